SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY name
