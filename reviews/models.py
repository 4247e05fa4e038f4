# Review assignments, scores, moderation, determinations and decisions live here.
