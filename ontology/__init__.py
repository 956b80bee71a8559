"""The Yuanshu vocabulary: OWL/RDFS and SKOS code lists in Turtle, SHACL shapes, namespaces and IRI minting."""

from pathlib import Path

ONTOLOGY_DIR = Path(__file__).parent
VOCABULARY_FILE = ONTOLOGY_DIR / "ys.ttl"
CODELISTS_FILE = ONTOLOGY_DIR / "codelists.ttl"
AREAS_FILE = ONTOLOGY_DIR / "areas.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
