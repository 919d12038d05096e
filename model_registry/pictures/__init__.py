"""Pictures: painters that illustrate a sentence, and upscalers that enlarge the painting."""
