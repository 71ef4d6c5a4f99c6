"""Server-rendered pages for monitors (commune and province staff) under /dashboard."""
