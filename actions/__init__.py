"""The action server: thin adapters from a conversation to the catalogue and back.

Importing this package does nothing but define the actions. What the running server needs
(failures logged without conversation data, the catalogue warmed before anyone asks) is set
up where the server is built: rasa_sdk_plugins, through rasa_sdk's own plugin hook.
"""
