"""Services: the only code that touches a Session. Reads return frozen dataclasses; writes audit."""
