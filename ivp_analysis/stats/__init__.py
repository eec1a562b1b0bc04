"""Statistical engines shared by the analysis families: count models and time-series models.

They take arrays and return numbers; they know nothing of municipalities, notebooks or Dutch.
"""
