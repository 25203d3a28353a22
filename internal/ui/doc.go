// Package ui is the output side of pardemo: the terminal seam (IO streams and
// colour), the recorder that stamps and orders events, and the renderers that
// turn events and results into text or JSON. Scenarios never print; they emit
// events (package ev), and exactly one renderer decides what a person or a
// script sees.
package ui
