"""Composition: pages that gather several capabilities (person summary, timeline, inbox, home).

This app sits above the capability apps. It reads each capability's `queries` and
owns no rules of its own; the capability apps never import it.
"""
