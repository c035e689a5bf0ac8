// Every index in the database with its state, for checks and the Browser.
// params: none
// returns: name :: STRING, type :: STRING, state :: STRING, labels :: LIST<STRING>, properties :: LIST<STRING>, options :: MAP
SHOW INDEXES YIELD name, type, state, labelsOrTypes, properties, options
RETURN name, type, state, labelsOrTypes AS labels, properties, options
ORDER BY name
