"""Reports: notebooks run with papermill, exported to HTML, and mailed."""
