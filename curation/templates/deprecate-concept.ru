# curator: Your Name
# date: 2026-11-23
# reason: Two concepts for the same technique; keep the broader one.
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX dcterms: <http://purl.org/dc/terms/>
INSERT DATA { <https://w3id.org/prkg/technique/OLD> owl:deprecated true ;
                  dcterms:isReplacedBy <https://w3id.org/prkg/technique/NEW> }
