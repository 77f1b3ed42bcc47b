"""In-app notifications: what a user should look at, with a link, read or unread."""
