"""What several test modules share: stores, the command line, Hypothesis settings, and the
scenario builders of the achievements and leaderboards tests. Test modules import from here,
never from each other."""
