"""The two formats of GeoReport v2: JSON, and XML as the standard's examples lay it out."""

import json
import xml.etree.ElementTree as ET

from flask import Response

MIMETYPES = {"json": "application/json", "xml": "text/xml"}
# A list inside an element repeats a child named in the singular, as in the standard's XML.
ITEM_NAMES = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value"}


def render(fmt: str, root: str, item: str | None, data, status: int = 200) -> Response:
    """`data` is a list of `item`s (or one dict when `item` is None) under the element `root`."""
    if fmt == "xml":
        element = ET.Element(root)
        if item is None:
            _fill(element, data)
        else:
            for entry in data:
                _fill(ET.SubElement(element, item), entry)
        body = ET.tostring(element, encoding="unicode", xml_declaration=True)
    else:
        body = json.dumps(data, ensure_ascii=False)
    return Response(body, status=status, content_type=f"{MIMETYPES[fmt]}; charset=utf-8")


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            if isinstance(child, list):
                holder = ET.SubElement(element, name)
                for entry in child:
                    _fill(ET.SubElement(holder, ITEM_NAMES.get(name, "item")), entry)
            else:
                _fill(ET.SubElement(element, name), child)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def errors(fmt: str, status: int, descriptions: list[str], headers: dict | None = None) -> Response:
    """The standard's error answer: [{code, description}], with the same HTTP status."""
    response = render(fmt, "errors", "error", [{"code": status, "description": d} for d in descriptions], status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
