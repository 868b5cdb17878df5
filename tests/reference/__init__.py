"""Small, obviously-correct pure-Python references the engines are tested against."""
