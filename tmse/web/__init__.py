"""The web shell: layout, navigation, templates, static assets, CSRF protection."""
