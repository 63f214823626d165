"""Exchange networks with other tools (NIR graphs; scripts for other simulators); each format imports lazily."""
