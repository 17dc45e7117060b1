"""Rail mode: military train rules, consists and paths on the rail graph."""
