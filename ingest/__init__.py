"""Moves records from files, HTTP and the API into the graph (dramatiq workers)."""
