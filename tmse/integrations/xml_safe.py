"""The one way tmse reads XML (coverage, test and scan reports from DevOps tools): defusedxml,
which refuses entity declarations (billion laughs, external entities / XXE) and DTD fetches."""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring


class XmlRefused(ValueError):
    """Why an XML text is refused, with the 1-based line and column when the parser gave one."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        where = f"line {line}, column {column}: " if line else ""
        super().__init__(where + message)
        self.message = message
        self.line = line
        self.column = column


def parse_xml(text: str | bytes) -> Element:
    """The root element of an XML document; XmlRefused when it is malformed or declares
    entities, a DTD that would be fetched, or external references."""
    try:
        root: Element = fromstring(
            text, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as error:
        raise XmlRefused(
            f"XML with entity declarations or external references is refused ({error})"
        ) from None
    except ParseError as error:
        line, column = error.position
        raise XmlRefused(f"malformed XML ({error.msg})", line, column + 1) from None
    except LookupError as error:  # the declaration (line 1) names an encoding Python lacks
        raise XmlRefused(f"malformed XML ({error})", 1, 1) from None
    return root
