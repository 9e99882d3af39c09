"""What keeps a person unknown: redaction of what they type, pseudonymous ids, logs without content."""
