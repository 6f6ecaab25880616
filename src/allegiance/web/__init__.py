"""The HTTP surfaces: the SPARQL protocol, the canned-query API, linked-data pages, VoID and the web UI."""
