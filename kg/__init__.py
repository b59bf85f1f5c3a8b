"""Privacy-risk claim knowledge graph: Chinese news about face/identity data trade in, RDF out."""

__version__ = "0.1.0"
