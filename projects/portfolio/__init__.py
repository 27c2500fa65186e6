"""Many projects at once: their health, the staff's monitoring page, the host's projects and to-do list."""
