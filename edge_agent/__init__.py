"""Edge agent: health, on-device sentiment scoring, uplink to the provincial monitor."""
