"""Bean Hop, the game: pure rules, a renderer, scenes and one async main loop."""
