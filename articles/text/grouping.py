"""Articles grouped into stories by their text and dates, without comparing all pairs. Pure: no Django."""
