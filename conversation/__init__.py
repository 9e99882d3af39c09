"""The conversation's rules, free of Rasa, so each can be tested on its own.

- `needs`: which service types answer which need, the wishes a person states, "vil ikke si";
- `cues`: who it is for, what matters, age and language, read from every message;
- `crisis`: the deterministic crisis detection and the state an overdose message describes;
- `texts`: the domain's responses read without a model, and the one place a language variant is picked.

Where a person is comes from the catalogue's place resolver (services_catalog/place_resolver.py).
The Rasa side (bot/components, actions/) only adapts these to trackers and messages.
"""
