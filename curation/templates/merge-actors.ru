# curator: Your Name
# date: 2026-11-23
# reason: The same expert appears under two spellings.
PREFIX prk: <https://w3id.org/prkg/ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
DELETE { ?ev prk:claimant <https://w3id.org/prkg/id/actor/OLD> }
INSERT { ?ev prk:claimant <https://w3id.org/prkg/id/actor/KEPT> .
         <https://w3id.org/prkg/id/actor/OLD> prk:status prk:Merged ;
             dcterms:isReplacedBy <https://w3id.org/prkg/id/actor/KEPT> }
WHERE  { ?ev prk:claimant <https://w3id.org/prkg/id/actor/OLD> }
