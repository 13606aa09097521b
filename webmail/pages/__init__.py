"""Server-rendered pages (Jinja2): every page is a GET; every change goes through the API."""
