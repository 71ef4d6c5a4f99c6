"""Open311 GeoReport v2 under /open311: partner systems file help requests and anyone reads them.

Filing goes through server.requests like any other request; answers never carry personal data."""
