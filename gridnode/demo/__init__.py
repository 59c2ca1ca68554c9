"""gridnode demo: a seller and buyers trading over regtest Lightning on one machine."""
