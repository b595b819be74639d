"""Messages: SMS and letters rendered from templates, with Chinese SMS length rules."""
