"""Music: the event encoding, our Music Transformer network, music theory helpers and the composers."""
