"""Records: reading YAML safely, checking it against the schemas, and the index every rule shares.

`yamlload` parses with positions; `schemas` validates; `index` holds every record by kind and id;
`repo` loads a whole repository (with `cache`); `agreements` says when an agreement is in force;
`trees` models the sector, segment and region trees; `status` lists what is in force and due.
"""
