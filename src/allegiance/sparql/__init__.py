"""From a request to an answer: formats, jobs, the sandboxed executor and its workers. No HTTP here."""
