from tests.conftest import make_test_app


def test_a_view_that_declares_no_access_rule_serves_no_one(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path}/deny.sqlite3")
    blueprint_view = app.view_functions["health.health"]

    def forgotten():
        return {"secret": True}

    # Swap the health view for one without a declaration: the guard must refuse it.
    app.view_functions["health.health"] = forgotten
    response = app.test_client().get("/api/v1/health")
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert "secret" not in response.get_data(as_text=True)
    app.view_functions["health.health"] = blueprint_view
