"""The node editor: the scene with one item per node, edge and note (``scene``, ``node_item``, ``edge_item``,
``note_item``, ``notes``), the view (``view``), the palette, edits of the selection (``edit_controller``) and
pictures of the network (``scene_picture``). Changes go through ``gui.editing``'s undo commands.
"""
