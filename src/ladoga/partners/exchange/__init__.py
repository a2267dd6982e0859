"""Exchange formats of the partners domain (P12): vCard export and import of contact
persons, CSV/XLSX import of partners. Lists export through `ladoga.core.exports`."""
