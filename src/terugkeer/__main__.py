from terugkeer.cli.app import main

main()
