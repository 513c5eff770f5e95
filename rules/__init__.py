"""The rules of Bean Hop shared by the game and the server: the world and the run replay.

Pure Python: imports nothing of the project and nothing outside the standard library, so the
game (pygame, in a browser or natively) and the server (which verifies runs by replaying them)
run exactly the same code.
"""
