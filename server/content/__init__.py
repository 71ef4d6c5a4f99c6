"""Tutorial posters and the service catalogue: files under content/, loaded into the database."""
