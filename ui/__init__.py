"""The Textual terminal dashboard (imported as gridnode.ui)."""
