"""The alliance's economics as facts: contributions measured from git, revenue-share settlements,
ownership and control groups as of a day, people's time across talent agreements."""
