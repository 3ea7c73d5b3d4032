from terugkeer.cli.app import main

# Guarded: the import's parse worker process imports this module again (forkserver).
if __name__ == "__main__":
    main()
