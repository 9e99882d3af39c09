"""Veiviser's custom NLU components.

The Rasa server imports this package when it loads the model. Importing it changes nothing
else: what the server needs is set up where it is built, in the channels' blueprints.
"""
