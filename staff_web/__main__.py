from staff_web.app import main

main()
