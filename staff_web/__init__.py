"""The staff quick lookup on the web: a printable page and an HSDS 3.0 JSON API over the catalogue."""
