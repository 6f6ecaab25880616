"""The pictures: the allegiance network and the timeline (data from SPARQL, drawn with matplotlib)."""
