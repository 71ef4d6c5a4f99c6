"""The OpenAPI document is generated from the schemas that validate requests, and browsable offline."""

import re


def test_document_lists_every_api_endpoint(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and not rule.rule.startswith(("/api/v1/openapi", "/api/v1/docs")):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method) in documented, (path, method)


def test_errors_are_documented_as_problem_json(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    default = spec["components"]["responses"]["DEFAULT_ERROR"]
    assert "application/problem+json" in default["content"]


def test_signed_in_operations_declare_bearer_security(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["paths"]["/api/v1/me"]["get"]["security"] == [{"firebase": []}]
    assert "security" not in spec["paths"]["/api/v1/health"]["get"]


def test_docs_page_uses_vendored_assets(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/static/swagger-ui/swagger-ui-bundle.js" in html
    asset = client.get("/static/swagger-ui/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000
    asset.close()
