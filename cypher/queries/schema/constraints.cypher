// Every constraint in the database, for checks and the Browser.
// params: none
// returns: name :: STRING, type :: STRING, labels :: LIST<STRING>, properties :: LIST<STRING>
SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties
RETURN name, type, labelsOrTypes AS labels, properties
ORDER BY name
