#!/bin/sh
# Writes a small corpus with planted structure to stdout: lines about royalty or about vehicles, with fillers.
# Deterministic (awk's srand with a fixed seed). Usage: gen_topics.sh [LINES]
awk -v lines="${1:-3000}" 'BEGIN {
  srand(3)
  n = split("king queen prince princess royal crown throne palace", royal, " ")
  m = split("car truck engine wheel road drive motor bus", vehicle, " ")
  f = split("the of and a to", filler, " ")
  for (i = 0; i < lines; i++) {
    line = ""
    for (j = 0; j < 10; j++) {
      r = rand()
      if (r < 0.25) w = filler[int(rand() * f) + 1]
      else if (i % 2) w = royal[int(rand() * n) + 1]
      else w = vehicle[int(rand() * m) + 1]
      line = line (j ? " " : "") w
    }
    print line
  }
}'
