# curator: Your Name
# date: 2026-11-23
# reason: The sentence reports a rumour the article itself refutes.
PREFIX prk: <https://w3id.org/prkg/ns#>
INSERT DATA { <https://w3id.org/prkg/id/claim/REPLACE-ME> prk:status prk:Retracted }
