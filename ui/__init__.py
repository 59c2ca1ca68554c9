"""The Textual terminal dashboard (imported as gridnode.ui).

``build_app(DashboardSettings(node=path))`` gives an app attached to a node's status
socket; ``gridnode dashboard --node PATH`` runs it.
"""
